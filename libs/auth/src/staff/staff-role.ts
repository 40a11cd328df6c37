export type StaffRole = 'coordinator' | 'reviewer' | 'board' | 'viewer';
export const STAFF_ROLES: readonly StaffRole[] = ['coordinator', 'reviewer', 'board', 'viewer'];
