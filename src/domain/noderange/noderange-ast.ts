// The syntax tree of an xCAT-style noderange, and the limits every part of the grammar enforces.

/** At most this many names from one range term (and from one whole `expandNames` call). */
export const MAX_RANGE_NAMES = 100_000;
/** Longest accepted regex term, in characters (a ReDoS guard; see docs/noderange.md). */
export const MAX_REGEX_LENGTH = 256;
/** Longest accepted noderange text. */
export const MAX_NODERANGE_LENGTH = 65_536;

/** A comma list, evaluated left to right: included terms add nodes, excluded terms remove them. */
export interface NoderangeAst {
  terms: Term[];
}

/** `-a@b`: the intersection of its operands, added (or removed when `exclude`). */
export interface Term {
  exclude: boolean;
  operands: Operand[];
  /** 0-based offset in the source text. */
  pos: number;
}

export type Operand = NameOperand | PatternOperand | DashRangeOperand | RegexOperand | AllOperand;

/** A node or group name. */
export interface NameOperand {
  kind: 'name';
  name: string;
  pos: number;
}

/** `r[1-2]n[01-03,07]`: literal text and bracket sets; the names are their cartesian product. */
export interface PatternOperand {
  kind: 'pattern';
  segments: Segment[];
  /** How many names the pattern expands to. */
  count: number;
  pos: number;
}
export type Segment = { text: string } | { ranges: NumRange[] };
/** Inclusive; bounds keep their source text because the width of `from` sets the zero padding. */
export interface NumRange {
  from: string;
  to: string;
}

/** `n01-n10`: same prefix, numeric suffixes. `text` is the source, tried as a literal name first. */
export interface DashRangeOperand {
  kind: 'dash';
  text: string;
  prefix: string;
  range: NumRange;
  count: number;
  pos: number;
}

/** `/^n0[1-3]$/`, matched against every node name. */
export interface RegexOperand {
  kind: 'regex';
  source: string;
  pos: number;
}

export interface AllOperand {
  kind: 'all';
  pos: number;
}
