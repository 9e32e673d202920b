import type { Context } from './context';
import { ApiError, failedPrecondition, invalidArgument } from './http';
import type { ServiceRec } from './runModel';

/** google.iam.v1.Policy JSON of a service. */
export function getPolicy(s: ServiceRec): Record<string, unknown> {
  const p: Record<string, unknown> = { version: s.policy.version, etag: s.policy.etag };
  if (s.policy.bindings.length) p.bindings = s.policy.bindings.map((b) => ({ role: b.role, members: [...b.members] }));
  return p;
}

export function setPolicy(ctx: Context, s: ServiceRec, body: Record<string, unknown>): Record<string, unknown> {
  const policy = body.policy as { bindings?: { role?: string; members?: string[] }[]; etag?: string; version?: number } | undefined;
  if (!policy) throw invalidArgument('policy: Required field is missing.');
  const bindings = (policy.bindings ?? []).map((b) => {
    if (!b.role) throw invalidArgument('policy.bindings.role: Required field is missing.');
    return { role: b.role, members: [...(b.members ?? [])] };
  });
  if (policy.etag && policy.etag !== s.policy.etag) {
    throw new ApiError(409, 'ABORTED', 'There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.');
  }
  const publicMember = bindings.some((b) => b.members.some((m) => m === 'allUsers' || m === 'allAuthenticatedUsers'));
  if (publicMember && ctx.knobs.refusePublicIam) {
    throw failedPrecondition(
      "One or more users named in the policy do not belong to a permitted customer, perhaps due to an organization policy. The organization policy constraint 'constraints/iam.allowedPolicyMemberDomains' restricts which members can be granted roles.",
    );
  }
  s.policy.serial += 1;
  const etag = Buffer.alloc(8);
  etag.writeUInt32BE(s.policy.serial, 4);
  s.policy = { version: 1, bindings: bindings.filter((b) => b.members.length > 0), etag: etag.toString('base64'), serial: s.policy.serial };
  ctx.log(`[run] ${s.id}: IAM policy set (${s.policy.bindings.map((b) => `${b.role}=${b.members.join('|')}`).join(', ') || 'empty'})`);
  return getPolicy(s);
}
