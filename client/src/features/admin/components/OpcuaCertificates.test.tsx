import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, expect, test, vi } from 'vitest';
import type { OpcuaCertificatesDto } from '@idm/contracts';
import { initConfig } from '../../../config';
import { sessionFromTokens, setSession } from '../../../lib/session';
import { fakeApi, fakeToken, type FakeRequest } from '../../../test/fake-api';
import { OpcuaCertificates } from './OpcuaCertificates';

const TP_REJECTED = 'a'.repeat(40);
const TP_TRUSTED = 'b'.repeat(40);
let state: OpcuaCertificatesDto;
let seen: FakeRequest[];

beforeEach(() => {
  initConfig({});
  setSession(sessionFromTokens({ access_token: fakeToken('ada', ['admin']), refresh_token: 'r', expires_in: 900 }));
  state = {
    own: { thumbprint: 'c'.repeat(40), subject: 'CN=IDM', valid_to: '2036-01-01T00:00:00.000Z' },
    certificates: [
      { thumbprint: TP_TRUSTED, subject: 'CN=Line 7', issuer: 'CN=Line 7', valid_from: '2026-01-01T00:00:00.000Z', valid_to: '2030-01-01T00:00:00.000Z', status: 'trusted' },
      { thumbprint: TP_REJECTED, subject: 'CN=NodeOPCUA@plc-sim', issuer: 'CN=NodeOPCUA@plc-sim', valid_from: '2026-01-01T00:00:00.000Z', valid_to: '2036-01-01T00:00:00.000Z', status: 'rejected' },
    ],
  };
  seen = fakeApi((req) => {
    if (req.method === 'GET' && req.url === '/opcua/certificates') return { status: 200, data: state };
    const m = /^\/opcua\/certificates\/([0-9a-f]+)\/(trust|reject)$/.exec(req.url);
    if (req.method === 'POST' && m) {
      const cert = state.certificates.find((c) => c.thumbprint === m[1])!;
      cert.status = m[2] === 'trust' ? 'trusted' : 'rejected';
      return { status: 200, data: cert };
    }
    return { status: 404, data: { message: 'no fake' } };
  });
});

test("lists IDM's own certificate and the server certificates, rejected first", async () => {
  render(<OpcuaCertificates confirm={() => true} />);
  expect(await screen.findByText('c'.repeat(40))).toBeInTheDocument();
  const rows = within(screen.getByRole('table')).getAllByRole('row').slice(1);
  expect(rows.map((r) => within(r).getAllByRole('cell')[0].textContent)).toEqual(['CN=NodeOPCUA@plc-sim', 'CN=Line 7']);
  expect(within(rows[0]).getByRole('button', { name: `Trust ${TP_REJECTED}` })).toBeInTheDocument();
  expect(within(rows[1]).getByRole('button', { name: `Reject ${TP_TRUSTED}` })).toBeInTheDocument();
});

test('Trust asks for a confirmation naming the certificate; declined nothing is sent, confirmed the certificate is trusted', async () => {
  const user = userEvent.setup();
  const confirm = vi.fn((_text: string) => false);
  const { rerender } = render(<OpcuaCertificates confirm={confirm} />);
  await user.click(await screen.findByRole('button', { name: `Trust ${TP_REJECTED}` }));
  expect(confirm).toHaveBeenCalledWith(expect.stringContaining(TP_REJECTED));
  expect(confirm.mock.calls[0][0]).toContain('CN=NodeOPCUA@plc-sim');
  expect(seen.filter((r) => r.method === 'POST')).toEqual([]);

  confirm.mockReturnValue(true);
  rerender(<OpcuaCertificates confirm={confirm} />);
  await user.click(screen.getByRole('button', { name: `Trust ${TP_REJECTED}` }));
  expect(await screen.findByText(`Trusted ${TP_REJECTED}`)).toBeInTheDocument();
  expect(seen.filter((r) => r.method === 'POST').map((r) => r.url)).toEqual([`/opcua/certificates/${TP_REJECTED}/trust`]);
  // Reloaded: both trusted now.
  expect(await screen.findByRole('button', { name: `Reject ${TP_REJECTED}` })).toBeInTheDocument();
});
