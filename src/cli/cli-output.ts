import { DomainError, ValidationFailedError } from '../common/errors/domain-error.js';
import { ConfigError } from '../config/app-config.js';

/** What one command answers: one JSON object for scripts, or lines for people. */
export interface Printable {
  json: object;
  human: string[];
}

/** Label and value pairs, the values in one column. */
export function fieldLines(fields: [string, string][], indent = '  '): string[] {
  const width = Math.max(...fields.map(([label]) => label.length));

  return fields.map(([label, value]) => `${indent}${label.padEnd(width)}  ${value}`);
}

/** A table with a header row, every column as wide as its widest cell. */
export function tableLines(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => row[i].length)),
  );

  return [header, ...rows].map((cells) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
}

/** Writes results on stdout and errors on stderr, or every outcome as one JSON object on stdout. */
export class CliOutput {
  constructor(private readonly json: boolean) {}

  result(printable: Printable): void {
    if (this.json) {
      this.writeJson(printable.json);

      return;
    }
    process.stdout.write(`${printable.human.join('\n')}\n`);
  }

  /** A refusal of the domain as its code and detail; anything else by its message only. */
  failure(error: unknown): void {
    if (error instanceof DomainError) {
      const errors = error instanceof ValidationFailedError ? error.errors : undefined;
      if (this.json) {
        this.writeJson({
          error: { code: error.code, message: error.detail, ...(errors && { errors }) },
        });

        return;
      }
      const details = (errors ?? []).map((e) => `  ${e.field}: ${e.message}\n`);
      process.stderr.write(`error: ${error.detail} (${error.code})\n${details.join('')}`);

      return;
    }

    const message = error instanceof Error ? error.message : String(error);
    this.unexpected(error instanceof ConfigError ? `configuration error: ${message}` : message);
  }

  /** A usage error, already written on stderr by commander. */
  usage(message: string): void {
    if (this.json) {
      this.writeJson({ error: { code: 'bad_request', message } });
    }
  }

  private unexpected(message: string): void {
    process.stderr.write(`error: ${message}\n`);
    if (this.json) {
      this.writeJson({ error: { code: 'internal_error', message } });
    }
  }

  private writeJson(value: object): void {
    process.stdout.write(`${JSON.stringify(value)}\n`);
  }
}
