import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath } from '@nestjs/swagger';
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

const INDICATOR_DOC = 'Indicators: `price` (close), `rsi`, `sma`, `ema` (`period`), `macd` (`fast`, `slow`, `signal`), `bollinger` (`period`, `stdDev`).';
const PARAMS_DOC = {
  type: 'object',
  additionalProperties: { type: 'number' },
  maxProperties: 10,
  description: 'The indicator\'s parameters by name; those left out take their defaults (rsi 14, sma/ema 20, macd 12/26/9, bollinger 20/2).',
} as const;
const OUTPUT_DOC = 'The output of a multi-output indicator, required for them and refused for the others: macd `line`, `signal`, `histogram`; bollinger `upper`, `middle`, `lower`, `percentB`.';

/**
 * The right-hand side of a condition when it is an indicator on the same series. Documentation only: `ConditionDto`
 * checks that `value` is a number or names a known indicator, and the registry checks the rest, naming the field.
 */
@ApiSchema({ name: 'IndicatorOperand', description: 'An indicator on the same series as the left-hand side.' })
export class IndicatorOperandDoc {
  @ApiProperty({ enum: INDICATOR_NAMES, description: INDICATOR_DOC, example: 'ema' })
  indicator: string;

  @ApiPropertyOptional({ ...PARAMS_DOC, example: { period: 21 } })
  params?: Record<string, number>;

  @ApiPropertyOptional({ type: String, maxLength: 20, description: OUTPUT_DOC, example: 'signal' })
  output?: string;
}

/** One condition of a bot: `indicator(params)[.output] operator value` on the bot's market and `timeframe`. */
@ApiExtraModels(IndicatorOperandDoc)
export class ConditionDto {
  @ApiProperty({ enum: TIMEFRAMES, description: 'Candle timeframe of the series.', example: '15m' })
  @IsIn(TIMEFRAMES)
  timeframe: string;

  @ApiProperty({ enum: INDICATOR_NAMES, description: `The left-hand side. ${INDICATOR_DOC}`, example: 'rsi' })
  @IsIn(INDICATOR_NAMES)
  indicator: string;

  @ApiPropertyOptional({ ...PARAMS_DOC, example: { period: 14 } })
  @IsOptional() @IsObject() @AreNumericParams()
  params?: Record<string, number>;

  @ApiPropertyOptional({ type: String, maxLength: 20, description: OUTPUT_DOC, example: 'histogram' })
  @IsOptional() @IsString() @MaxLength(20)
  output?: string;

  @ApiProperty({ enum: OPERATORS, description: '`crosses_above` / `crosses_below`: the previous candle was on the other side.', example: 'lt' })
  @IsIn(OPERATORS)
  operator: string;

  /** Checked in depth (indicator, params, output, no other field) by the registry, which names the failing field. */
  @ApiProperty({
    oneOf: [{ type: 'number' }, { $ref: getSchemaPath(IndicatorOperandDoc) }],
    description: 'The right-hand side: a number, or an indicator on the same series, e.g. `{"indicator": "ema", "params": {"period": 21}}`.',
    example: 30,
  })
  @IsNumberOrIndicator()
  value: number | { indicator: string; params?: Record<string, unknown>; output?: string };
}
