/**
 * The HTTP API's OpenAPI document, generated from the one OPERATIONS table: every MQTT operation is
 * `POST /api/{op}` with the operation's params as its body and the same `{status, data|error}` answer.
 */
import { OPERATION_ROLE } from '../../protocols/access.ts';
import { OPERATIONS, responseSchema, type OperationName } from '../../protocols/contract.ts';
import { LiveMediaView } from '../../protocols/live-media.ts';
import { PICTURE_AGE_HEADER } from '../../protocols/pictures.ts';

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
  Object.assign(paths, pictureRoutes());
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

/** The wall's two GETs (controller/http/picture-route.ts): any logged-in caller, a viewer too. */
function pictureRoutes(): Record<string, unknown> {
  const login = { 401: { description: 'no login, or a refused one', content: json(ErrorAnswer) } };
  return {
    '/api/picture/{agent}/{device}': {
      get: {
        operationId: 'picture',
        summary: "A device's newest live picture (a 320 px JPEG, about one a second, kept in memory).",
        parameters: ['agent', 'device'].map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
        responses: {
          200: {
            description: 'the picture; revalidate with If-None-Match',
            headers: {
              ETag: { schema: { type: 'string' } },
              [PICTURE_AGE_HEADER]: { description: 'ms since the controller received it', schema: { type: 'integer' } },
            },
            content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } },
          },
          304: { description: 'the picture named by If-None-Match is still the newest' },
          ...login,
          404: { description: 'no picture of this device (not watched, or none yet)', content: json(ErrorAnswer) },
        },
      },
    },
    '/api/live-media': {
      get: {
        operationId: 'live-media',
        summary: "Every watched device's content faults and sound levels from its latest health, for the wall's overlays and meters.",
        responses: { 200: { description: 'the view', content: json(plain(LiveMediaView)) }, ...login },
      },
    },
  };
}
