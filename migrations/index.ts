import { InitialSchema1764000000000 } from './1764000000000-InitialSchema.js';

/** Every migration, oldest first: listed here so the app and the CLI load the same set, compiled or not. */
export const MIGRATIONS = [InitialSchema1764000000000];
