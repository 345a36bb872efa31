export { DatabaseModule } from './database.module.js';
