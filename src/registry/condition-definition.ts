import { ValidationFailed } from '../common/domain-error.js';
import { INDICATORS, type ConditionDefinition, type IndicatorName, type IndicatorRef, type Operator } from './indicator-catalog.js';

/** A condition as a client writes it (the shape of `conditions[]` in `POST /bots`), already type-checked by the DTO. */
export interface ConditionInput {
  timeframe: string;
  indicator: string;
  params?: Record<string, unknown>;
  output?: string;
  operator: string;
  value: number | { indicator: string; params?: Record<string, unknown>; output?: string };
}

type FieldError = { field: string; message: string };

/** Normalises a condition (defaults filled, names checked) or throws a 400 naming each bad field. */
export function normalizeCondition(input: ConditionInput, market: { exchange: string; symbol: string }, field: string): ConditionDefinition {
  const errors: FieldError[] = [];
  const lhs = normalizeIndicator(input, field, errors);
  const rhs = typeof input.value === 'number' ? input.value : normalizeOperand(input.value, `${field}.value`, errors);
  if (errors.length > 0) throw new ValidationFailed(errors);
  return {
    exchange: market.exchange.toLowerCase(),
    symbol: market.symbol.toUpperCase(),
    timeframe: input.timeframe,
    lhs: lhs!,
    operator: input.operator as Operator,
    rhs: rhs!,
  };
}

const OPERAND_FIELDS = ['indicator', 'params', 'output'];

function normalizeOperand(input: Record<string, any>, field: string, errors: FieldError[]): IndicatorRef | undefined {
  for (const name of Object.keys(input)) {
    if (!OPERAND_FIELDS.includes(name)) errors.push({ field: `${field}.${name}`, message: `unknown field: expected ${OPERAND_FIELDS.join(', ')}` });
  }
  if (input.params !== undefined && (typeof input.params !== 'object' || input.params === null || Array.isArray(input.params))) {
    errors.push({ field: `${field}.params`, message: 'must be an object of numbers, e.g. {"period": 21}' });
    return undefined;
  }
  if (input.output !== undefined && typeof input.output !== 'string') {
    errors.push({ field: `${field}.output`, message: 'must be a string' });
    return undefined;
  }
  return normalizeIndicator(input as ConditionInput['value'] & object, field, errors);
}

function normalizeIndicator(
  input: { indicator: string; params?: Record<string, unknown>; output?: string },
  field: string,
  errors: FieldError[],
): IndicatorRef | undefined {
  const spec = Object.hasOwn(INDICATORS, input.indicator) ? INDICATORS[input.indicator as IndicatorName] : undefined;
  if (!spec) {
    errors.push({ field: `${field}.indicator`, message: `must be one of ${Object.keys(INDICATORS).join(', ')}` });
    return undefined;
  }
  const params = normalizeParams(spec.params, input.params ?? {}, `${field}.params`, errors);
  const outputs: readonly string[] = spec.outputs;
  if (outputs.length > 0 && !outputs.includes(input.output ?? '')) {
    errors.push({ field: `${field}.output`, message: `${input.indicator} has several outputs: name one of ${outputs.join(', ')}` });
  }
  if (outputs.length === 0 && input.output !== undefined) {
    errors.push({ field: `${field}.output`, message: `${input.indicator} has a single output: leave output out` });
  }
  return { indicator: input.indicator as IndicatorName, params, ...(outputs.length > 0 && { output: input.output }) };
}

function normalizeParams(
  specs: Record<string, { default: number; min: number; max: number; integer: boolean }>,
  given: Record<string, unknown>,
  field: string,
  errors: FieldError[],
): Record<string, number> {
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(specs, name)) {
      const known = Object.keys(specs);
      errors.push({ field: `${field}.${name}`, message: known.length ? `unknown parameter: expected ${known.join(', ')}` : 'this indicator takes no parameters' });
    }
  }
  const params: Record<string, number> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = given[name] ?? spec.default;
    const ok = typeof value === 'number' && Number.isFinite(value) && value >= spec.min && value <= spec.max && (!spec.integer || Number.isInteger(value));
    if (!ok) errors.push({ field: `${field}.${name}`, message: `must be ${spec.integer ? 'an integer' : 'a number'} from ${spec.min} to ${spec.max}` });
    params[name] = value as number;
  }
  return params;
}

/** Checks that hold across a condition's fields, e.g. MACD's fast period below its slow one. */
export function crossFieldProblems(definition: ConditionDefinition, field: string): FieldError[] {
  const problems: FieldError[] = [];
  for (const [ref, path] of [[definition.lhs, field], [definition.rhs, `${field}.value`]] as const) {
    if (typeof ref === 'object' && ref.indicator === 'macd' && ref.params.fast >= ref.params.slow) {
      problems.push({ field: `${path}.params.fast`, message: 'must be smaller than params.slow' });
    }
  }
  return problems;
}
