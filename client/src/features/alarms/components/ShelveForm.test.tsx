import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, test, vi } from 'vitest';
import { alarmFixture } from '../../../test/fixtures';
import { ShelveForm } from './AlarmList';

function show() {
  const onSubmit = vi.fn(() => Promise.resolve());
  const onDone = vi.fn();
  render(<ShelveForm alarm={alarmFixture('LT-301', { message: 'LT-301 high' })} onSubmit={onSubmit} onCancel={() => {}} onDone={onDone} />);
  return { onSubmit, onDone, form: screen.getByRole('form', { name: 'Shelve LT-301 high' }) as HTMLFormElement };
}

test('an empty reason gets the product’s own message naming the field, not the browser’s bubble', async () => {
  const user = userEvent.setup();
  const { onSubmit, form } = show();
  expect(form.noValidate).toBe(true);
  await user.type(screen.getByLabelText(/Reason/), '   ');
  await user.click(screen.getByRole('button', { name: 'Shelve' }));
  const reason = screen.getByLabelText(/Reason/);
  expect(screen.getByRole('alert')).toHaveTextContent('Reason: say why the alarm is shelved (at least 3 characters)');
  expect(reason).toHaveAttribute('aria-invalid', 'true');
  expect(reason).toHaveAccessibleDescription('Reason: say why the alarm is shelved (at least 3 characters)');
  expect(reason).toHaveFocus();
  expect(onSubmit).not.toHaveBeenCalled();

  await user.type(reason, 'sensor being recalibrated');
  await user.click(screen.getByRole('button', { name: 'Shelve' }));
  expect(onSubmit).toHaveBeenCalledWith(60, 'sensor being recalibrated');
  expect(screen.queryByRole('alert')).toBeNull();
});

test('a duration that is not one of the offered ones is named too', async () => {
  const user = userEvent.setup();
  const { onSubmit } = show();
  const duration = screen.getByLabelText(/Shelve for/) as HTMLSelectElement;
  // A stale or altered page could send any value: the form checks it rather than trusting the options.
  duration.options[0].value = '5000';
  await user.selectOptions(duration, '5000');
  await user.type(screen.getByLabelText(/Reason/), 'sensor being recalibrated');
  await user.click(screen.getByRole('button', { name: 'Shelve' }));
  expect(screen.getByRole('alert')).toHaveTextContent('Shelve for: choose one of the durations (15 min to 24 h)');
  expect(duration).toHaveAttribute('aria-invalid', 'true');
  expect(duration).toHaveFocus();
  expect(onSubmit).not.toHaveBeenCalled();
});
