/**
 * Requests that enrol people and agents: the admin role's own operations. Answers carry a
 * credential, so they go only to the asker (users/{user}/responses/{op}), and these operations are
 * refused to a client without a login. Part of the one OPERATIONS table in contract.ts.
 */
import { Type } from '@sinclair/typebox';
import { LoginName as Name, RoleName, Timestamp } from './schemas.ts';

const Enrolment = { changedAt: Timestamp, revokedAt: Type.Union([Timestamp, Type.Null()]) };
const UserSummary = Type.Object({ name: Type.String(), role: RoleName, ...Enrolment }, { additionalProperties: false });
const AgentSummary = Type.Object({ id: Type.String(), ...Enrolment }, { additionalProperties: false });

export const IDENTITY_OPERATIONS = {
  'user.list': {
    params: Type.Object({}, { additionalProperties: false }),
    data: Type.Object({ users: Type.Array(UserSummary) }, { additionalProperties: false }),
    description: 'People and tools who may log in, with their roles.',
  },
  'user.add': {
    params: Type.Object(
      {
        name: Name,
        role: RoleName,
        password: Type.Optional(
          Type.String({ minLength: 12, maxLength: 1024, description: 'without it, a random token is made and returned once (for a tool)' }),
        ),
      },
      { additionalProperties: false },
    ),
    data: Type.Object(
      { name: Type.String(), role: RoleName, token: Type.Optional(Type.String({ description: 'the generated secret, shown once' })) },
      { additionalProperties: false },
    ),
    description: 'Adds a person or a tool, or sets the role and secret of one (the old secret stops working).',
  },
  'user.remove': {
    params: Type.Object({ name: Name }, { additionalProperties: false }),
    data: Type.Object({ removed: Type.Boolean() }, { additionalProperties: false }),
    description: 'Stops a person or tool logging in (their row stays for the audit trail).',
  },
  'agent.list': {
    params: Type.Object({}, { additionalProperties: false }),
    data: Type.Object({ agents: Type.Array(AgentSummary) }, { additionalProperties: false }),
    description: 'Enrolled agents.',
  },
  'agent.enrol': {
    params: Type.Object({ id: Name }, { additionalProperties: false }),
    data: Type.Object(
      { id: Type.String(), username: Type.String(), credential: Type.String({ description: 'shown once' }) },
      { additionalProperties: false },
    ),
    description: 'Enrols an agent, or gives an enrolled one a new credential (the old one stops working).',
  },
  'agent.revoke': {
    params: Type.Object({ id: Name }, { additionalProperties: false }),
    data: Type.Object({ revoked: Type.Boolean() }, { additionalProperties: false }),
    description: 'Stops an agent logging in.',
  },
} as const;
