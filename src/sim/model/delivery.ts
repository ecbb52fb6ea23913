/**
 * Daily delivery of every ad of one account, column by column in typed arrays: cell (row, day) is at
 * row * days + (day - firstDay). 100 000 ads × 14 days is 1.4 M cells, about 50 MB, where objects per row
 * would cost several times that. Days outside [firstDay, firstDay + days) have no delivery.
 */
type Counts = Uint32Array | Float64Array;

export interface DayValues {
  impressions: number;
  reach: number;
  clicks: number;
  linkClicks: number;
  spend: number;
  purchases: number;
  purchaseValue: number;
}

export class Delivery {
  readonly impressions: Counts;
  readonly reach: Counts;
  readonly clicks: Counts;
  readonly linkClicks: Counts;
  readonly purchases: Counts;
  readonly spend: Float64Array;
  readonly purchaseValue: Float64Array;
  /** First day with any delivery, for the `maximum` preset; undefined while there is none. */
  earliestDay: number | undefined;

  /**
   * @param wide counts in Float64Array rather than Uint32Array: for hand-written scenarios, whose
   *   integers JSON Schema does not bound, while generated accounts stay compact.
   */
  constructor(
    readonly firstDay: number,
    readonly days: number,
    readonly rows: number,
    wide: boolean,
  ) {
    const n = days * rows;
    const counts = () => (wide ? new Float64Array(n) : new Uint32Array(n));
    this.impressions = counts();
    this.reach = counts();
    this.clicks = counts();
    this.linkClicks = counts();
    this.purchases = counts();
    this.spend = new Float64Array(n);
    this.purchaseValue = new Float64Array(n);
  }

  static empty(): Delivery {
    return new Delivery(0, 0, 0, false);
  }

  /** Cell index, or -1 when that ad or day has no stored delivery. */
  cell(row: number, day: number): number {
    const offset = day - this.firstDay;
    if (row < 0 || row >= this.rows || offset < 0 || offset >= this.days) return -1;
    return row * this.days + offset;
  }

  set(row: number, day: number, v: DayValues): void {
    const i = this.cell(row, day);
    if (i < 0) throw new RangeError(`no delivery cell for row ${row}, day ${day}`);
    this.impressions[i] = v.impressions;
    this.reach[i] = v.reach;
    this.clicks[i] = v.clicks;
    this.linkClicks[i] = v.linkClicks;
    this.spend[i] = v.spend;
    this.purchases[i] = v.purchases;
    this.purchaseValue[i] = v.purchaseValue;
    if (this.earliestDay === undefined || day < this.earliestDay) this.earliestDay = day;
  }
}
