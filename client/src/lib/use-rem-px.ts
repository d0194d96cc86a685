import { useEffect, useState } from 'react';

const read = () => parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;

/**
 * The root font size in CSS px. The stylesheet grows it with the screen (wall screens), so a chart that
 * needs pixel sizes (Recharts fonts, axis widths) takes them in rem through this, following resizes.
 */
export function useRemPx(): number {
  const [px, setPx] = useState(read);
  useEffect(() => {
    const update = () => setPx(read());
    window.addEventListener('resize', update);
    update();
    return () => window.removeEventListener('resize', update);
  }, []);
  return px;
}
