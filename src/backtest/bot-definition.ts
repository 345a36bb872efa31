import { readFileSync } from 'node:fs';
import { CreateBotDto } from '../bots/index.js';
import { ValidationFailed } from '../common/domain-error.js';
import { createValidationPipe } from '../common/validation.js';
import { BacktestInputError } from './backtest-input-error.js';

/**
 * Reads bot.json and checks it with the very pipe and DTO that `POST /bots` uses, so a bot the API would refuse is
 * refused here with the same field names. What only the service can check (conditions, the ladder against the
 * market) is checked when the bot is created in the replayed app, through the same service.
 */
export async function loadBotDefinition(path: string): Promise<CreateBotDto> {
  const body = parseJson(path);
  let dto: CreateBotDto;
  try {
    dto = await createValidationPipe().transform(body, { type: 'body', metatype: CreateBotDto, data: '' });
  } catch (error) {
    throw asInputError(error, path);
  }
  const problems = backtestProblems(dto);
  if (problems.length > 0) throw new BacktestInputError(describe(path, problems));
  return dto;
}

/** Errors from validating or creating the bot become input errors naming each field; anything else is rethrown. */
export function asInputError(error: unknown, path: string): unknown {
  if (error instanceof ValidationFailed) return new BacktestInputError(describe(path, error.fields));
  const fields = (error as { details?: { fields?: { field: string; message: string }[] } }).details?.fields;
  if (fields && (error as { httpStatus?: number }).httpStatus === 400) return new BacktestInputError(describe(path, fields));
  return error;
}

function parseJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new BacktestInputError(`cannot read the bot file ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BacktestInputError(`${path} is not JSON: ${(error as Error).message}`);
  }
}

/** A backtest trades on the simulated venue only, through the default paper account it sets up itself. */
function backtestProblems(dto: CreateBotDto): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (dto.exchange !== 'paper') problems.push({ field: 'exchange', message: `must be "paper" in a backtest (got "${dto.exchange}")` });
  if (dto.exchangeAccountId !== undefined) problems.push({ field: 'exchangeAccountId', message: 'must be left out: a backtest trades on its own paper account' });
  if (dto.start === false) problems.push({ field: 'start', message: 'must not be false: a stopped bot does nothing to backtest' });
  return problems;
}

function describe(path: string, fields: { field: string; message: string }[]): string {
  return `${path}: invalid bot definition\n${fields.map((f) => `  ${f.field}: ${f.message}`).join('\n')}`;
}
