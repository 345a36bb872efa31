export { Clock, ManualClock, ReplayClock, SystemClock } from './clock.js';
export { ClockModule } from './clock.module.js';
