/**
 * The services behind the gateway, registered once each. A new service (storage, say) is a folder
 * beside these with a ServiceDefinition, an entry in SERVICES, its three types below (outcome,
 * seed, controls) and a line in createServices.
 */
import * as path from 'node:path';
import type { ServiceContext } from '../service';
import { databaseService, type DatabaseControls, type DatabaseOutcome, type DatabaseSeed } from './database';
import { openapiService, type LogisticsSeed, type OpenapiControls, type OpenapiOutcome } from './openapi';

export const SERVICES = { openapi: openapiService, database: databaseService } as const;

export type ServiceOutcome = OpenapiOutcome | DatabaseOutcome;
/** Each service's seed options, side by side in startLocalCloud's options. */
export type ServiceSeeds = LogisticsSeed & DatabaseSeed;
/** Each service's controls, under its name on the LocalCloud (cloud.openapi, cloud.database). */
export interface ServiceControls {
  openapi: OpenapiControls;
  database: DatabaseControls;
}

export type Services = { [Name in keyof typeof SERVICES]: (typeof SERVICES)[Name] & ReturnType<(typeof SERVICES)[Name]['start']> };

/** Starts every service; each reads its own subfolder of the state folder (named after the service). */
export function createServices(options: ServiceSeeds & { functionsDir: string; stateDir?: string }): Services {
  const context = (name: string): ServiceContext => ({ functionsDir: options.functionsDir, ...(options.stateDir !== undefined ? { stateDir: path.join(options.stateDir, name) } : {}) });
  return {
    openapi: { ...openapiService, ...openapiService.start({ ...options, ...context(openapiService.name) }) },
    database: { ...databaseService, ...databaseService.start({ ...options, ...context(databaseService.name) }) },
  };
}
