import type { AlarmDto } from '@idm/contracts';
import { clock } from '../../../lib/format';

export function stateLabel(a: AlarmDto): string {
  switch (a.state) {
    case 'unack_active':
      return 'UNACK · active';
    case 'ack_active':
      return a.acked_by ? `Acked by ${a.acked_by} · active` : 'Acked · active';
    case 'unack_rtn':
      return 'UNACK · cleared';
    case 'shelved':
      return `Shelved until ${clock(a.shelved_until)}`;
    case 'out_of_service':
      return 'Out of service';
    default:
      return 'Normal';
  }
}
