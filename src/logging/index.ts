export { LoggingModule } from './logging.module.js';
export { REDACTED, REDACTED_PATHS, redactUrl } from './redaction.js';
