import { InitialSchema1764000000000 } from './1764000000000-InitialSchema.js';
import { ExchangeAccountsAndPlacement1764000000001 } from './1764000000001-ExchangeAccountsAndPlacement.js';
import { PaperExchangeV21764000000002 } from './1764000000002-PaperExchangeV2.js';
import { DcaDeals1764000000003 } from './1764000000003-DcaDeals.js';
import { DeliveryRolesAndGridLegs1764000000004 } from './1764000000004-DeliveryRolesAndGridLegs.js';
import { GridBots1764000000005 } from './1764000000005-GridBots.js';
import { SeriesLeases1764000000006 } from './1764000000006-SeriesLeases.js';
import { Signals1764000000008 } from './1764000000008-Signals.js';
import { ApiTokens1764000000007 } from './1764000000007-ApiTokens.js';
import { Webhooks1764000000009 } from './1764000000009-Webhooks.js';

/** Every migration, oldest first: listed here so the app and the CLI load the same set, compiled or not. */
export const MIGRATIONS = [InitialSchema1764000000000, ExchangeAccountsAndPlacement1764000000001, PaperExchangeV21764000000002, DcaDeals1764000000003, DeliveryRolesAndGridLegs1764000000004, GridBots1764000000005, SeriesLeases1764000000006, Signals1764000000008, ApiTokens1764000000007, Webhooks1764000000009];
