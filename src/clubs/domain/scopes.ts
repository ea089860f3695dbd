export const SCOPES = [
  'members:read',
  'members:write',
  'groups:read',
  'attendance:read',
  'attendance:write',
] as const;

export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** A `:write` scope implies its `:read`. */
export function grants(held: readonly Scope[], required: Scope): boolean {
  if (held.includes(required)) {
    return true;
  }
  const [resource, access] = required.split(':');

  return access === 'read' && held.includes(`${resource}:write` as Scope);
}
