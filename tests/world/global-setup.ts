/**
 * vitest globalSetup for integration and browser tests: one real test world per run, with every
 * fixture pushed, and the built app serving against it; tests read the pushed fixtures with
 * `inject("fixtures")`.
 */
import type { TestProject } from "vitest/node";
import { startApp } from "./app";
import { pushFixtures, type Fixtures } from "./fixtures";
import { startWorld } from "./start";

declare module "vitest" {
  export interface ProvidedContext {
    fixtures: Fixtures;
    dockerConfigPath: string;
  }
}

export default async function setup(project: TestProject) {
  const started = performance.now();
  const world = await startWorld();
  try {
    project.provide("fixtures", await pushFixtures());
  } catch (error) {
    await world.stop();
    throw error;
  }
  project.provide("dockerConfigPath", world.dockerConfigPath);
  const app = await startApp().catch(async (error) => {
    await world.stop();
    throw error;
  });
  console.log(`test world and app up in ${Math.round(performance.now() - started)} ms`);
  return async () => {
    await app.stop();
    await world.stop();
  };
}
