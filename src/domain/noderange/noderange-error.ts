// Builds the DomainError for a bad noderange: 1-based position plus the text with a caret under the fault.
import { DomainError } from '../errors.ts';

/** `pos` is a 0-based offset into `noderange`; the message and details use 1-based positions. */
export function noderangeError(noderange: string, pos: number, problem: string): DomainError {
  const position = Math.max(1, Math.min(pos + 1, noderange.length + 1));
  // Show at most 60 characters around the fault so a huge input does not make a huge message.
  const start = Math.max(0, position - 1 - 40);
  const shown = noderange.slice(start, start + 60);
  const caret = ' '.repeat(position - 1 - start) + '^';
  const message = `noderange: ${problem} at position ${position}\n  ${shown}\n  ${caret}`;
  return new DomainError('invalid', message, { field: 'noderange', details: { position, noderange } });
}

/** A noderange error that is about the whole text, not one place in it. */
export function noderangeProblem(noderange: string, problem: string, details: Record<string, unknown> = {}): DomainError {
  return new DomainError('invalid', `noderange: ${problem}`, { field: 'noderange', details: { noderange, ...details } });
}
