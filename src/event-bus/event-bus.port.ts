import type { BusEvents, Topic } from './events.js';

/** One delivered message. */
export interface Delivery<T> {
  /** The bus's id of the message (a stream entry id on Redis). */
  id: string;
  topic: Topic;
  version: number;
  payload: T;
  /** 1 on first delivery; more when the message was redelivered after a failure or a crash. */
  deliveryCount: number;
}

/**
 * Handles one message. Resolving acknowledges it; throwing leaves it pending, to be delivered again
 * (to this or another consumer of the group) until it succeeds or goes to the dead-letter stream.
 */
export type Handler<T> = (delivery: Delivery<T>) => Promise<void>;

export interface ConsumeOptions {
  /** Consumer group: each message is handled by one consumer of the group. */
  group: string;
  /** This consumer's name within the group (unique per process). */
  consumer: string;
}

export interface DeadLetter {
  id: string;
  topic: Topic;
  originalId: string;
  payload: unknown;
  deliveries: number;
  lastError: string;
  deadAt: string;
}

/** A running consumer; `stop` waits for the message in hand and leaves the rest pending. */
export interface Consumer {
  stop(): Promise<void>;
}

/**
 * At-least-once, ordered-per-topic delivery of typed events.
 * Adapters: Redis Streams with consumer groups (durable), and an in-process queue (local runs, unit tests).
 */
export abstract class EventBus {
  /** Whether a message survives the crash of this process once `publish` resolved. */
  abstract readonly durable: boolean;

  /** Appends the payloads in order; resolves once the bus has them. */
  abstract publish<K extends Topic>(topic: K, payloads: BusEvents[K][]): Promise<void>;

  abstract consume<K extends Topic>(topic: K, options: ConsumeOptions, handler: Handler<BusEvents[K]>): Promise<Consumer>;

  /** Messages that failed `maxDeliveries` times, newest first. */
  abstract deadLetters(topic: Topic, limit: number): Promise<DeadLetter[]>;

  /** Messages not yet acknowledged by the group, and not yet delivered (lag). */
  abstract stats(topic: Topic, group: string): Promise<{ pending: number; lag: number }>;

  abstract close(): Promise<void>;
}
