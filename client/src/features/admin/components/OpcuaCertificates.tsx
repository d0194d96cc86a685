import { useState } from 'react';
import type { OpcuaCertificateDto } from '@idm/contracts';
import { toUiError, type UiError } from '../../../lib/errors';
import { useResource } from '../../../lib/use-resource';
import { listOpcuaCertificates, setOpcuaCertificateTrust } from '../api/devices';

/**
 * OPC UA server certificates: IDM uses a server only once an admin trusted its certificate here (after a
 * confirmation naming its thumbprint and subject); a rejected one lists the servers IDM met and refused.
 */
export function OpcuaCertificates({ confirm = (text: string) => window.confirm(text) }: { confirm?(text: string): boolean }) {
  const certs = useResource(listOpcuaCertificates, 'opcua-certificates', 10_000);
  const [error, setError] = useState<UiError | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const act = async (c: OpcuaCertificateDto, action: 'trust' | 'reject') => {
    const question =
      action === 'trust'
        ? `Trust the OPC UA server certificate ${c.thumbprint}?\n${c.subject}\nIDM will connect to every server that presents it.`
        : `Reject the OPC UA server certificate ${c.thumbprint}?\n${c.subject}\nIDM will refuse servers that present it from their next connect.`;
    if (!confirm(question)) return;
    setError(null);
    setDone(null);
    try {
      await setOpcuaCertificateTrust(c.thumbprint, action);
      setDone(`${action === 'trust' ? 'Trusted' : 'Rejected'} ${c.thumbprint}`);
      certs.reload();
    } catch (err) {
      setError(toUiError(err));
    }
  };

  const list = certs.data?.certificates ?? [];
  const sorted = [...list].sort((a, b) => (a.status === b.status ? a.subject.localeCompare(b.subject) : a.status === 'rejected' ? -1 : 1));
  return (
    <section className="panel" aria-labelledby="opcua-certs-title">
      <h2 id="opcua-certs-title">OPC UA certificates</h2>
      {certs.data?.own && (
        <p>
          IDM's own certificate (servers must trust it for Sign / SignAndEncrypt): <code>{certs.data.own.thumbprint}</code>{' '}
          <span className="muted">{certs.data.own.subject}</span>
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      {done && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
      <table className="grid">
        <thead>
          <tr>
            <th scope="col">Server certificate</th>
            <th scope="col">Thumbprint</th>
            <th scope="col">Valid to</th>
            <th scope="col">Status</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {!sorted.length && (
            <tr>
              <td colSpan={5} className="muted">
                No server certificate yet: one appears here after IDM first connects to a secured OPC UA server.
              </td>
            </tr>
          )}
          {sorted.map((c) => (
            <tr key={c.thumbprint}>
              <td>{c.subject}</td>
              <td>
                <code>{c.thumbprint}</code>
              </td>
              <td>{c.valid_to.slice(0, 10)}</td>
              <td>{c.status === 'rejected' ? <strong>rejected</strong> : 'trusted'}</td>
              <td>
                {c.status === 'rejected' ? (
                  <button type="button" aria-label={`Trust ${c.thumbprint}`} onClick={() => void act(c, 'trust')}>
                    Trust
                  </button>
                ) : (
                  <button type="button" aria-label={`Reject ${c.thumbprint}`} onClick={() => void act(c, 'reject')}>
                    Reject
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
