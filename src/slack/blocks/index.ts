export * from './approval-queue.js';
export * from './confirm-modal.js';
export * from './edit-modals.js';
export * from './home.js';
export * from './ids.js';
export * from './limits.js';
export * from './map.js';
export * from './report.js';
export type * from './types.js';
