// Nothing to configure: member-connect's widget entry carries its own 'use client'.
export default {};
