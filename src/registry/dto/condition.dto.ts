import {
  IsIn, IsObject, IsOptional, IsString, MaxLength, ValidateBy, isNumber, isObject, type ValidationArguments,
} from 'class-validator';
import { TIMEFRAMES } from '../../market-data/index.js';
import { INDICATOR_NAMES, OPERATORS } from '../indicator-catalog.js';

const isFiniteNumber = (value: unknown) => isNumber(value, { allowNaN: false, allowInfinity: false });

/** Parameters are numbers keyed by name; the registry checks names and ranges per indicator. */
function AreNumericParams() {
  return ValidateBy({
    name: 'areNumericParams',
    validator: {
      validate: (value: unknown) => isObject(value) && Object.keys(value).length <= 10 && Object.values(value).every(isFiniteNumber),
      defaultMessage: (args?: ValidationArguments) => `${args?.property} must be an object of at most 10 finite numbers, e.g. {"period": 14}`,
    },
  });
}

/** An own name of the catalogue: `INDICATORS[name]` alone would also find `constructor` or `__proto__` on Object's prototype. */
const isIndicatorName = (name: unknown) => typeof name === 'string' && (INDICATOR_NAMES as string[]).includes(name);

/** The right-hand side: a finite number, or a known indicator on the same series. */
function IsNumberOrIndicator() {
  return ValidateBy({
    name: 'isNumberOrIndicator',
    validator: {
      validate: (value: unknown) => isFiniteNumber(value) || (isObject(value) && isIndicatorName((value as { indicator?: unknown }).indicator)),
      defaultMessage: () =>
        `value must be a finite number or an indicator (one of ${INDICATOR_NAMES.join(', ')}) like {"indicator": "ema", "params": {"period": 21}}`,
    },
  });
}

export class ConditionDto {
  @IsIn(TIMEFRAMES)
  timeframe: string;

  @IsIn(INDICATOR_NAMES)
  indicator: string;

  @IsOptional() @IsObject() @AreNumericParams()
  params?: Record<string, number>;

  @IsOptional() @IsString() @MaxLength(20)
  output?: string;

  @IsIn(OPERATORS)
  operator: string;

  /** Checked in depth (indicator, params, output, no other field) by the registry, which names the failing field. */
  @IsNumberOrIndicator()
  value: number | { indicator: string; params?: Record<string, unknown>; output?: string };
}
