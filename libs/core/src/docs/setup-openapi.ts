import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { documentErrors } from './document-errors';
import { BEARER_SCHEME, documentSecurity } from './document-security';

/** OpenAPI 3 document at /docs-json and its browsable UI at /docs. */
export function setupOpenApi(app: INestApplication, version: string): void {
  const config = new DocumentBuilder()
    .setTitle('IDM — Industrial Data Monitoring')
    .setDescription(
      'REST API of IDM: sensors and history, anomalies, alarms, reports and notifications. ' +
        'Errors always have the shape `{statusCode, error, message, details?}`.\n\n' +
        'To try a call here: `POST /auth/login` with `{"username", "password"}` (the first account registered ' +
        'with `POST /auth/register` is the admin), copy `access_token` from the answer, press **Authorize** and ' +
        'paste it. Access tokens last 15 minutes; each operation names the role it needs.',
    )
    .setVersion(version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
    .build();
  // Security requirements and roles come from Public()/Roles(), the same metadata the auth guard reads.
  const document = documentErrors(documentSecurity(SwaggerModule.createDocument(app, config)));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
}
