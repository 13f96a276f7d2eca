// A kysely query built and compiled once, run many times with new values: for hot paths (a DHCP exchange runs ~6
// lease queries) where building the operation tree and compiling it again on every call cost more than SQLite itself.
import { CompiledQuery, type Compilable } from 'kysely';

/**
 * `build` is called once with `sentinels` (distinct values that appear nowhere else in the query); the compiled
 * parameters are then mapped back to argument positions, so `run(...args)` yields the same SQL with new values.
 */
export function queryTemplate<A extends readonly (string | number)[], R>(build: (...args: A) => Compilable<R>, sentinels: A): (...args: Nullable<A>) => CompiledQuery<R> {
  const compiled = build(...sentinels).compile();
  const slots = compiled.parameters.map((p) => sentinels.indexOf(p as A[number]));
  for (const [i, s] of sentinels.entries()) {
    if (!slots.includes(i)) throw new Error(`queryTemplate: sentinel ${String(s)} does not appear among the query's parameters`);
  }
  return (...args: Nullable<A>) => ({ ...compiled, parameters: compiled.parameters.map((p, i) => (slots[i]! >= 0 ? args[slots[i]!] : p)) }) as CompiledQuery<R>;
}

/** Values may be null at run time (nullable columns); sentinels may not (null would match constant nulls). */
type Nullable<A extends readonly unknown[]> = { [K in keyof A]: A[K] | null };

export { CompiledQuery };

/**
 * A statement over a list whose length varies (the rows of a multi-row INSERT, the members of an IN), compiled once
 * per length: `build` gets that many sentinels and lays them out; the returned function takes the values in the
 * same order.
 */
export function perLength<R>(build: (values: string[]) => Compilable<R>): (values: ReadonlyArray<string | number | null>) => CompiledQuery<R> {
  const byLength = new Map<number, (...values: Array<string | null>) => CompiledQuery<R>>();
  return (values) => {
    let q = byLength.get(values.length);
    if (!q) {
      const sentinels = Array.from({ length: values.length }, (_, i) => `\u0000v${i}`);
      q = queryTemplate((...v: string[]) => build(v), sentinels);
      byLength.set(values.length, q);
    }
    return q(...(values as Array<string | null>));
  };
}

/** `values` laid out row by row in `columns` order, as objects for kysely's `.values()`. */
export function rowsOf<C extends string>(columns: readonly C[], values: readonly string[]): Array<Record<C, string>> {
  return Array.from({ length: values.length / columns.length }, (_, r) =>
    Object.fromEntries(columns.map((c, k) => [c, values[r * columns.length + k]!])) as Record<C, string>);
}
