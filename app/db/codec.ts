// Column values as the hot-path SQL layer reads and writes them. Prisma
// stores SQLite dates as ISO 8601 text with a "+00:00" offset, booleans as
// 0/1 and decimals as REAL; PostgreSQL has native types. Writing the same
// text Prisma writes keeps both readers, and text comparisons in SQL, right.

export type SqlDialect = "sqlite" | "postgres";

/** A DateTime column: ISO text on SQLite, Date on PostgreSQL. */
export type DbDate = string | Date;
/** A Boolean column: 0/1 on SQLite, boolean on PostgreSQL. */
export type DbBool = number | boolean;
/** A Decimal column: REAL on SQLite, numeric text on PostgreSQL. */
export type DbDecimal = number | string;

export interface Codec {
  readonly dialect: SqlDialect;
  date(value: Date): DbDate;
  bool(value: boolean): DbBool;
  decimal(value: string | number): DbDecimal;
  json(value: unknown): string;
}

function isoText(value: Date): string {
  return value.toISOString().replace("Z", "+00:00");
}

export function codecFor(dialect: SqlDialect): Codec {
  return dialect === "sqlite"
    ? {
        dialect,
        date: isoText,
        bool: (value) => (value ? 1 : 0),
        decimal: (value) => Number(value),
        json: (value) => JSON.stringify(value),
      }
    : {
        dialect,
        // Text, not Date: node-postgres would render a Date in the process's time zone.
        date: isoText,
        bool: (value) => value,
        decimal: (value) => String(value),
        json: (value) => JSON.stringify(value),
      };
}

/** Reading is the same on both databases. */
export const read = {
  date(value: DbDate): Date {
    return value instanceof Date ? value : new Date(value);
  },
  dateOrNull(value: DbDate | null): Date | null {
    return value === null ? null : read.date(value);
  },
  bool(value: DbBool): boolean {
    return value === true || value === 1;
  },
  boolOrNull(value: DbBool | null): boolean | null {
    return value === null ? null : read.bool(value);
  },
  /** Decimal as a plain decimal string ("199.99"), as Prisma's Decimal prints it. */
  decimalOrNull(value: DbDecimal | null): string | null {
    if (value === null) return null;
    const text = String(value);
    // PostgreSQL's numeric(65,30) pads to 30 places; Prisma's Decimal prints without them.
    return text.includes(".") && !/e/i.test(text) ? text.replace(/\.?0+$/, "") : text;
  },
  json<T = unknown>(value: unknown): T | null {
    if (value === null || value === undefined) return null;
    return (typeof value === "string" ? JSON.parse(value) : value) as T;
  },
};
