// The column type of text keys (names, MACs, addresses) in every migration: on PostgreSQL the "C" collation, so that
// sorting and uniqueness are byte-wise exactly as in SQLite; plain text on SQLite (byte-wise already).
import { sql } from 'kysely';
import type { SqlFlavor } from '../kysely/schema.ts';

export const textKey = (flavor: SqlFlavor) => (flavor === 'postgres' ? sql`text collate "C"` : sql`text`);
