// Scenario state: named, schema-checked knobs a tester turns to steer a mock (WireMock's scenarios, made explicit).
import type { z } from 'zod';

/** One scenario a mock declares: its schema, default state and what it controls. */
export interface ScenarioDefinition<TState = unknown> {
  readonly name: string;
  readonly description: string;
  readonly schema: z.ZodType<TState>;
  readonly initial: TState;
}

/** The scenario states of one mock. */
export interface ScenarioStore {
  list(): Array<{ name: string; description: string; state: unknown }>;
  /** The current state of a declared scenario. */
  get<TState>(definition: ScenarioDefinition<TState>): TState;
  /** Validates and stores a new state; answers the issues when it does not fit the schema. */
  set(
    name: string,
    state: unknown,
  ): { ok: true; state: unknown } | { ok: false; message: string; status: 400 | 404 };
  reset(): void;
}

/** A scenario store over the mock's declared scenarios, each at its initial state. */
export function createScenarioStore(definitions: readonly ScenarioDefinition<unknown>[]): ScenarioStore {
  const states = new Map<string, unknown>();
  const reset = () => {
    states.clear();
    for (const definition of definitions) states.set(definition.name, definition.initial);
  };
  reset();
  return {
    list: () =>
      definitions.map((definition) => ({
        name: definition.name,
        description: definition.description,
        state: states.get(definition.name),
      })),
    get: <TState>(definition: ScenarioDefinition<TState>) =>
      (states.has(definition.name) ? states.get(definition.name) : definition.initial) as TState,
    set(name, state) {
      const definition = definitions.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
      if (definition === undefined) return { ok: false, message: `no scenario ${name}`, status: 404 };
      const current = states.get(definition.name);
      const merged =
        typeof current === 'object' && current !== null && typeof state === 'object' && state !== null
          ? { ...current, ...state }
          : state;
      const parsed = definition.schema.safeParse(merged);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return {
          ok: false,
          message: `${issue?.path.join('.') || name}: ${issue?.message ?? 'invalid'}`,
          status: 400,
        };
      }
      states.set(definition.name, parsed.data);
      return { ok: true, state: parsed.data };
    },
    reset,
  };
}
