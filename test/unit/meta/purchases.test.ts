import { describe, expect, it } from 'vitest';
import {
  choosePurchaseActionType,
  DEFAULT_PURCHASE_ACTION_TYPES,
  purchaseCount,
  purchaseValueMinor,
} from '../../../src/meta/purchases.js';

// One purchase of $125.50, reported by Meta under three action types at once.
const row = {
  actions: [
    { action_type: 'link_click', value: '56' },
    { action_type: 'omni_purchase', value: '1' },
    { action_type: 'offsite_conversion.fb_pixel_purchase', value: '1' },
    { action_type: 'purchase', value: '1' },
  ],
  action_values: [
    { action_type: 'omni_purchase', value: '125.5' },
    { action_type: 'offsite_conversion.fb_pixel_purchase', value: '125.5' },
    { action_type: 'purchase', value: '125.5' },
  ],
};

describe('purchase action type', () => {
  it('counts a purchase reported under three types once', () => {
    const type = choosePurchaseActionType([row], DEFAULT_PURCHASE_ACTION_TYPES);
    expect(type).toBe('omni_purchase');
    expect(purchaseCount(row, type)).toBe(1);
    expect(purchaseValueMinor(row, type, 'USD')).toBe(12550);
  });

  it('falls back along the configured order when the preferred type is absent', () => {
    const pixelOnly = {
      actions: [
        { action_type: 'offsite_conversion.fb_pixel_purchase', value: '3' },
        { action_type: 'purchase', value: '3' },
      ],
    };
    expect(choosePurchaseActionType([pixelOnly], DEFAULT_PURCHASE_ACTION_TYPES)).toBe(
      'offsite_conversion.fb_pixel_purchase',
    );
    expect(choosePurchaseActionType([pixelOnly], ['purchase', 'omni_purchase'])).toBe('purchase');
  });

  it('chooses from all rows of the account, so every row uses the same type', () => {
    const noPurchases = { actions: [{ action_type: 'link_click', value: '10' }] };
    expect(choosePurchaseActionType([noPurchases, row], DEFAULT_PURCHASE_ACTION_TYPES)).toBe('omni_purchase');
    expect(purchaseCount(noPurchases, 'omni_purchase')).toBe(0);
    expect(purchaseValueMinor(noPurchases, 'omni_purchase', 'USD')).toBe(0);
  });

  it('keeps the first preference when the account has no purchases at all', () => {
    expect(choosePurchaseActionType([], DEFAULT_PURCHASE_ACTION_TYPES)).toBe('omni_purchase');
  });

  it('uses the default-window value even when per-window keys are present', () => {
    const withWindows = {
      actions: [{ action_type: 'omni_purchase', value: '4', '7d_click': '3', '1d_view': '1' }],
    };
    expect(purchaseCount(withWindows, 'omni_purchase')).toBe(4);
  });
});
