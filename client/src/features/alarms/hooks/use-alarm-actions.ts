import { useMemo } from 'react';
import { useAuth } from '../../../lib/auth';
import { acknowledgeAlarm } from '../api/acknowledge';
import { acknowledgeMany } from '../api/acknowledge-many';
import { commentAlarm } from '../api/comment';
import { shelveAlarm } from '../api/shelve';
import { unshelveAlarm } from '../api/unshelve';
import type { AlarmActions } from '../components/AlarmList';

/** The alarm actions the signed-in user may take: none below the operator role. */
export function useAlarmActions(): AlarmActions | undefined {
  const { can } = useAuth();
  const allowed = can('operator');
  return useMemo(
    () =>
      allowed
        ? {
            acknowledge: (ids, comment) => (ids.length === 1 ? acknowledgeAlarm(ids[0], comment) : acknowledgeMany(ids, comment)),
            shelve: shelveAlarm,
            unshelve: unshelveAlarm,
            comment: commentAlarm,
          }
        : undefined,
    [allowed],
  );
}
