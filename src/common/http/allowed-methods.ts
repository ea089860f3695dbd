import type { Express } from 'express';
import { METHODS } from 'node:http';

import type { AllowedMethods } from './problem-details.filter.js';

interface RouterLayer {
  route?: { methods: Record<string, boolean> };
  match(path: string): boolean;
}

/**
 * Reads the routes Express has registered, so that a path that exists with another method
 * answers 405 with `Allow` instead of 404. Call it once the application is initialised.
 */
export function allowedMethodsOf(app: Express): AllowedMethods {
  const stack = (app as unknown as { router: { stack: RouterLayer[] } }).router.stack;
  // Nest mounts its not-found handler with `all()` on each path excluded from the global
  // prefix; a route for every method is that catch-all, not an endpoint.
  const routes = stack.filter(
    (layer) =>
      layer.route !== undefined &&
      !METHODS.every((method) => layer.route!.methods[method.toLowerCase()]),
  );

  return (path: string) => {
    const methods = new Set<string>();
    for (const layer of routes) {
      if (layer.match(path)) {
        for (const [method, enabled] of Object.entries(layer.route!.methods)) {
          if (enabled && method !== '_all') {
            methods.add(method.toUpperCase());
          }
        }
      }
    }
    if (methods.has('GET')) {
      methods.add('HEAD');
    }

    return [...methods].sort();
  };
}
