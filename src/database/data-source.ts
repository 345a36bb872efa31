import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';

/**
 * The data source of the TypeORM CLI (`npm run migration:run|revert|generate`), on the compiled output.
 * The app builds its own from the validated configuration; both load the same migrations.
 */
if (existsSync('.env')) process.loadEnvFile('.env');
const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL must be set for the migration commands (the embedded database is started only by the app)');

export default new DataSource({
  type: 'postgres',
  url,
  entities: ['dist/src/**/*.entity.js'],
  migrations: MIGRATIONS,
  migrationsTransactionMode: 'each',
});
