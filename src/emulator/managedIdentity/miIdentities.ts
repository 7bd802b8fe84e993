/**
 * The managed identities of the emulated host: one system-assigned, any number user-assigned.
 *
 * @packageDocumentation
 */
import { stableGuid } from '../state/ids.js';
import type { ManagedIdentity, UserAssignedIdentityInput } from './miTypes.js';

const SUBSCRIPTION = stableGuid('mi:subscription');
const RESOURCE_GROUP = `/subscriptions/${SUBSCRIPTION}/resourceGroups/emulator-rg`;

/** The host's system-assigned identity (a VM's, by its resource id). */
export const EMULATOR_SYSTEM_ASSIGNED_IDENTITY: Readonly<ManagedIdentity> = Object.freeze({
  clientId: stableGuid('mi:system:client'),
  objectId: stableGuid('mi:system:object'),
  resourceId: `${RESOURCE_GROUP}/providers/Microsoft.Compute/virtualMachines/emulator-vm`,
});

/** Two user-assigned identities every emulator has. */
export const EMULATOR_USER_ASSIGNED_IDENTITIES: readonly Readonly<ManagedIdentity>[] =
  Object.freeze([userAssignedIdentity('emulator-uami-1'), userAssignedIdentity('emulator-uami-2')]);

/** How a request names its identity: not at all (system-assigned), or by one id. */
export type IdentitySelector =
  { kind: 'system' } | { kind: 'clientId' | 'objectId' | 'resourceId'; value: string };

/** The identities of the host, looked up case-insensitively by any of their ids. */
export class IdentityRegistry {
  private readonly users = new Map<string, ManagedIdentity>();

  constructor(readonly systemEnabled: boolean) {
    EMULATOR_USER_ASSIGNED_IDENTITIES.forEach((identity) => this.add(identity));
  }

  /** Adds (or replaces, by client id) a user-assigned identity; derives missing ids. */
  add(input: UserAssignedIdentityInput): ManagedIdentity {
    const identity: ManagedIdentity = {
      clientId: input.clientId,
      objectId: input.objectId ?? stableGuid(`mi:user:object:${input.clientId.toLowerCase()}`),
      resourceId:
        input.resourceId ??
        `${RESOURCE_GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/` +
          `uami-${input.clientId.toLowerCase()}`,
    };
    this.users.set(identity.clientId.toLowerCase(), identity);
    return { ...identity };
  }

  /** The user-assigned identities, in the order added. */
  userAssigned(): ManagedIdentity[] {
    return [...this.users.values()].map((identity) => ({ ...identity }));
  }

  /** The identity `selector` names among those assigned to the host; undefined when none. */
  find(selector: IdentitySelector): ManagedIdentity | undefined {
    const system = this.systemEnabled ? [EMULATOR_SYSTEM_ASSIGNED_IDENTITY] : [];
    if (selector.kind === 'system') return system[0];
    const wanted = selector.value.toLowerCase();
    return [...system, ...this.users.values()].find(
      (identity) => identity[selector.kind].toLowerCase() === wanted,
    );
  }
}

function userAssignedIdentity(name: string): ManagedIdentity {
  return Object.freeze({
    clientId: stableGuid(`mi:${name}:client`),
    objectId: stableGuid(`mi:${name}:object`),
    resourceId: `${RESOURCE_GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
  });
}
