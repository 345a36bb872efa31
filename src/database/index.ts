export { DatabaseModule } from './database.module.js';
export { redactPassword } from './database-server.js';
