import type { OpenAPIObject } from '@nestjs/swagger';
import { documentSecurity } from './document-security';

describe('documentSecurity', () => {
  const doc = (): OpenAPIObject => ({
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: {
      '/health': { get: { 'x-idm-public': true, responses: {} } as any },
      '/alarms/{id}/ack': { post: { 'x-idm-roles': ['operator'], description: 'Acknowledge.', responses: {} } as any },
      '/users': { get: { 'x-idm-roles': ['admin', 'supervisor'], responses: {} } as any },
      '/auth/me': { get: { responses: {} } as any },
    },
  });

  it('leaves public routes without a security requirement', () => {
    expect(documentSecurity(doc()).paths['/health'].get?.security).toEqual([]);
  });

  it('puts the bearer scheme, 401 and the minimum role on protected routes', () => {
    const op = documentSecurity(doc()).paths['/alarms/{id}/ack'].post as any;
    expect(op.security).toEqual([{ 'access-token': [] }]);
    expect(op.description).toBe('Acknowledge.\n\nRequires the `operator` role or higher.');
    expect(op.responses['401']).toBeDefined();
    expect(op.responses['403'].description).toContain('operator');
    expect(op['x-idm-min-role']).toBe('operator');
  });

  it('takes the least privileged listed role as the minimum', () => {
    expect((documentSecurity(doc()).paths['/users'].get as any)['x-idm-min-role']).toBe('supervisor');
  });

  it('says any signed-in user when no role is given', () => {
    const op = documentSecurity(doc()).paths['/auth/me'].get as any;
    expect(op.description).toBe('Requires a signed-in user (any role).');
    expect(op.responses['403']).toBeUndefined();
  });
});
