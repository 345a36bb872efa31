export { AccessModule } from './access.module.js';
export { CurrentAccount, CurrentPrincipal } from './current-account.decorator.js';
export { AdminOnly, Probe, Public } from './route-access.decorator.js';
export { DEFAULT_ACCOUNT_ID, type Principal } from './principal.js';
