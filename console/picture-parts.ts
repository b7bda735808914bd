/**
 * The audio meter's scale (pure: console/picture.ts draws it; unit tests read it without the page).
 */

/** The meter's scale: −60 dBFS (the silence threshold's default) at the bottom, 0 dBFS at the top. */
export const METER_FLOOR_DB = -60;
/** Green to −18 dBFS (a line-up level's headroom), amber to −6, red above: the zones of a digital peak meter. */
export function meterZone(peakDbfs: number): 'green' | 'amber' | 'red' {
  return peakDbfs > -6 ? 'red' : peakDbfs > -18 ? 'amber' : 'green';
}
/** How full the bar is, 0 … 100 (%). */
export const meterHeight = (peakDbfs: number): number =>
  Math.round((Math.min(0, Math.max(METER_FLOOR_DB, peakDbfs)) / -METER_FLOOR_DB + 1) * 1000) / 10;
