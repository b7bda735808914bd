/**
 * The HTTP API's OpenAPI document, generated from the one OPERATIONS table: every MQTT operation is
 * `POST /api/{op}` with the operation's params as its body and the same `{status, data|error}` answer.
 */
import { OPERATION_ROLE } from '../../protocols/access.ts';
import { OPERATIONS, responseSchema, type OperationName } from '../../protocols/contract.ts';

const json = (schema: unknown) => ({ 'application/json': { schema } });
const ErrorAnswer = {
  type: 'object',
  required: ['status', 'error'],
  properties: { status: { const: 'error' }, error: { type: 'string' } },
};
/** TypeBox schemas are JSON Schema; their Symbol keys do not survive JSON, which is what is wanted. */
const plain = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema));

export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const op of Object.keys(OPERATIONS) as OperationName[]) {
    paths[`/api/${op}`] = {
      post: {
        operationId: op,
        summary: OPERATIONS[op].description,
        description: `Needs the ${OPERATION_ROLE[op]} role or above. The same operation as MQTT users/{user}/requests/${op}.`,
        'x-onair-role': OPERATION_ROLE[op],
        requestBody: { required: false, content: json(plain(OPERATIONS[op].params)) },
        responses: {
          200: { description: 'done', content: json(plain(responseSchema(op))) },
          400: { description: 'the params do not match the schema', content: json(ErrorAnswer) },
          401: { description: 'no login, or a refused one', content: json(ErrorAnswer) },
          403: { description: 'the login’s role may not ask this', content: json(ErrorAnswer) },
          422: { description: 'the controller refused the operation (the error says why, as the CLI says it)', content: json(ErrorAnswer) },
          429: { description: 'too many requests from this login', content: json(ErrorAnswer) },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'OnAir controller API',
      version,
      description: 'Every MQTT operation of OnAir over HTTP, with the same schemas, roles and audit.',
    },
    components: {
      securitySchemes: {
        basic: { type: 'http', scheme: 'basic', description: 'a user and password (or a tool’s token secret)' },
        bearer: { type: 'http', scheme: 'bearer', description: 'the content of a token file: name:secret' },
      },
    },
    security: [{ basic: [] }, { bearer: [] }],
    paths,
  };
}
