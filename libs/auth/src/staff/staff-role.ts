export type StaffRole = 'coordinator' | 'reviewer' | 'viewer';
export const STAFF_ROLES: readonly StaffRole[] = ['coordinator', 'reviewer', 'viewer'];
