import "server-only";

/**
 * One value per process, made on first use. The front door (the custom server) and Next.js's route
 * bundles each hold their own copy of every module, so a module-level singleton would exist once per
 * bundle: two Redis connections, two views of whether the store is up. Kept on globalThis under a
 * well-known symbol, it is one.
 */
export function processWide<T>(name: string, make: () => T): T {
  const key = Symbol.for(`porthole.${name}`);
  const holder = globalThis as { [key: symbol]: unknown };
  if (!(key in holder)) holder[key] = make();
  return holder[key] as T;
}
