import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ModulesContainer } from '@nestjs/core';

type Dto = abstract new (...args: any[]) => unknown;

/** One route of the running app, with the DTO classes its body and query are validated against. */
export interface Route {
  method: string;
  /** Route style: `/bots/:id/orders`. */
  path: string;
  body?: Dto;
  query?: Dto;
  params: string[];
}

const join = (...parts: (string | undefined)[]) =>
  `/${parts.flatMap((part) => (part ?? '').split('/')).filter(Boolean).join('/')}`;

/** Every route the app serves, read from its controllers' metadata: a new controller is fuzzed without touching the test. */
export function routesOf(app: INestApplication): Route[] {
  const routes: Route[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: any[]) => object) | null;
      if (!controller) continue;
      const prefixes = [Reflect.getMetadata(PATH_METADATA, controller) ?? ''].flat() as string[];
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const paths = [Reflect.getMetadata(PATH_METADATA, handler) ?? ''].flat() as string[];
        const args: Record<string, { index: number; data?: string }> = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {};
        const types: Dto[] = Reflect.getMetadata('design:paramtypes', controller.prototype, name) ?? [];
        const ofKind = (kind: RouteParamtypes) => Object.entries(args).filter(([key]) => Number(key.split(':')[0]) === kind).map(([, arg]) => arg);
        const dto = (kind: RouteParamtypes) => ofKind(kind).map((arg) => types[arg.index]).find((type) => type && type !== Object);
        for (const prefix of prefixes) {
          for (const path of paths) {
            routes.push({
              method: RequestMethod[method],
              path: join(prefix, path),
              body: dto(RouteParamtypes.BODY),
              query: dto(RouteParamtypes.QUERY),
              params: ofKind(RouteParamtypes.PARAM).map((arg) => arg.data ?? ''),
            });
          }
        }
      }
    }
  }
  return routes;
}

/** One line of Fastify's route tree: its indentation (4 characters a level), the path segment, the methods if a route ends there. */
const TREE_LINE = /^(.*?)[├└]── (.+?)(?: \(([^)]+)\))?$/;

/** What the server itself routes (method and path, from Fastify's route tree), to check that the table above misses nothing. */
export function servedRoutesOf(app: INestApplication): string[] {
  const tree = app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false }) as string;
  const pathAtDepth: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = TREE_LINE.exec(line);
    if (!match) continue;
    const depth = match[1].length / 4;
    const path = (pathAtDepth[depth - 1] ?? '') + match[2];
    pathAtDepth[depth] = path;
    // Fastify adds a HEAD to every GET by itself: the app does not declare them.
    const methods = match[3]?.split(', ').filter((method) => method !== 'HEAD') ?? [];
    if (!path.includes('*')) routes.push(...methods.map((method) => `${method} ${path}`));
  }
  return routes;
}
