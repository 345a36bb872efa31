import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError } from './domain-error.js';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  fields?: { field: string; message: string }[];
}

/** What the filter notes on the response for whoever counts answers (the metrics): the code, and a crash's error. */
export interface ErrorLocals {
  errorCode?: string;
  unhandledError?: unknown;
}

const isBadUrl = (cause: unknown) => cause instanceof URIError || (cause as { code?: unknown } | undefined)?.code === 'FST_ERR_BAD_URL';

/** The one place errors become HTTP answers: domain errors by code, framework errors as they are, the rest as a bare 500. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    this.answer(host.switchToHttp().getResponse<FastifyReply>(), exception);
  }

  /** Answers with the error's body; also called outside Nest for errors Fastify's router raises before any route. */
  answer(reply: FastifyReply, exception: unknown): void {
    const body = this.toBody(exception);
    // Only a crash is an error worth a stack in the logs; a 503 the app chose to answer (health) is not.
    if (body.statusCode >= 500 && !(exception instanceof HttpException)) {
      // Errors reach the filter outside the handler's logging context: the line names its request itself.
      const { id, method, url } = reply.request ?? {};
      this.logger.error({ err: exception, req: { id, method, url } }, 'unhandled error in request');
    }
    const unhandled = !(exception instanceof DomainError) && !(exception instanceof HttpException);
    // The health report's `error` names the degraded dependencies (an object): the status's name stands for its code.
    const errorCode = typeof body.error === 'string' ? body.error : (HttpStatus[body.statusCode] ?? 'ERROR');
    // Noted on the raw Node response, which is what the metrics' observer of the HTTP server sees.
    Object.assign(reply.raw, { errorLocals: { errorCode, ...(unhandled && { unhandledError: exception }) } satisfies ErrorLocals });
    void reply.status(body.statusCode).send(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      const fields = exception.details?.fields as ErrorBody['fields'];
      return { statusCode: exception.httpStatus, error: exception.code, message: exception.message, ...(fields && { fields }) };
    }
    if (exception instanceof HttpException) return this.fromHttpException(exception);
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: 'INTERNAL_ERROR', message: 'Internal server error' };
  }

  private fromHttpException(exception: HttpException): ErrorBody {
    const status = exception.getStatus();
    const answer = exception.getResponse();
    // A structured answer the app built on purpose (the health check's per-dependency report) goes out as it is.
    if (typeof answer === 'object' && answer !== null && 'details' in answer) return { statusCode: status, ...(answer as object) } as ErrorBody;
    const cause = (exception as { cause?: unknown }).cause;
    // JSON.parse overflows the stack on a body nested thousands deep: say what is wrong, not how the parser failed.
    const message = cause instanceof RangeError
      ? 'the body is nested too deeply to parse'
      : typeof answer === 'string' ? answer : String((answer as { message?: unknown }).message ?? exception.message);
    // Body-parser errors (bad JSON, refused keys) arrive as HttpExceptions with a status but no field: the body is at fault;
    // a path that does not decode (`%FF`) arrives as the router's FST_ERR_BAD_URL.
    const fields = status === HttpStatus.BAD_REQUEST ? [{ field: isBadUrl(cause) ? 'path' : 'body', message }] : undefined;
    return { statusCode: status, error: HttpStatus[status] ?? 'ERROR', message, ...(fields && { fields }) };
  }
}
