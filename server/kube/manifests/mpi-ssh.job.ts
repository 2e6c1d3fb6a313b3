import 'server-only';
// The ssh key pair ranks of a multi-node MPI job use to start each other (see launcher.job.ts). One pair
// per job, in a Secret next to the Job: the private key never leaves the job's namespace and dies with it.
// RSA in PEM form and an OpenSSH public key, because every OpenSSH in an MPI image reads both.

import { generateKeyPairSync } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import { LABELS, MANAGED_BY, type ComputeTargetRef } from '@/lib/domain';
import { jobObjectName, labelValue } from './names.job';

export interface SshKeyPair {
  /** PKCS#1 PEM ("-----BEGIN RSA PRIVATE KEY-----"). */
  privateKey: string;
  /** "ssh-rsa AAAA… harbormaster-mpi". */
  publicKey: string;
}

function sshString(buf: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(buf.length);
  return Buffer.concat([len, buf]);
}

/** An SSH mpint: big-endian, with a leading zero byte when the top bit is set. */
function mpint(unsigned: Buffer): Buffer {
  let b = unsigned;
  while (b.length > 1 && b[0] === 0) b = b.subarray(1);
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return sshString(b);
}

export function generateMpiSshKeys(): SshKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const blob = Buffer.concat([sshString(Buffer.from('ssh-rsa')), mpint(Buffer.from(jwk.e, 'base64url')), mpint(Buffer.from(jwk.n, 'base64url'))]);
  return {
    privateKey: privateKey.export({ format: 'pem', type: 'pkcs1' }) as string,
    publicKey: `ssh-rsa ${blob.toString('base64')} harbormaster-mpi`,
  };
}

/** Name of the Secret holding a job's MPI keys (pass it to jobManifests as mpiSshSecretName). */
export function mpiSshSecretName(jobName: string): string {
  return `${jobObjectName(jobName)}-mpi-ssh`;
}

export function mpiSshSecret(jobName: string, target: ComputeTargetRef, keys: SshKeyPair): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: mpiSshSecretName(jobName),
      namespace: target.namespace,
      labels: {
        [LABELS.managedBy]: MANAGED_BY,
        [LABELS.workspace]: labelValue(target.workspace),
        [LABELS.compute]: labelValue(target.name),
        [LABELS.job]: jobObjectName(jobName),
      },
    },
    stringData: { id_rsa: keys.privateKey, 'id_rsa.pub': keys.publicKey, authorized_keys: `${keys.publicKey}\n` },
  };
}
