import { createReadStream } from 'node:fs';
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

/** An S3-compatible bucket (Alibaba OSS, Tencent COS, MinIO, AWS) that receives a copy of each backup. */
export interface OffsiteConfig {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** object names start with it, e.g. `kameng/` */
  prefix: string;
  /** `https://endpoint/bucket/key` (MinIO) rather than `https://bucket.endpoint/key` (OSS, COS) */
  forcePathStyle: boolean;
  /** multipart: the size of each part (S3's minimum, 5 MiB, unless given); a smaller archive goes in one PUT */
  partSizeBytes?: number;
}

const MIB = 1024 * 1024;

export interface OffsiteStore {
  put(name: string, file: string): Promise<void>;
  remove(name: string): Promise<void>;
}

export function s3Store(cfg: OffsiteConfig): OffsiteStore {
  const client = new S3Client({
    endpoint: cfg.endpoint,
    region: cfg.region,
    forcePathStyle: cfg.forcePathStyle,
    credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey },
    // OSS, COS and older MinIO reject the SDK's default trailing checksums (aws-chunked bodies)
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  return {
    // streamed from the file in parts (two in flight), so an archive of any size travels in bounded memory and a
    // failed part is retried alone; a failed upload is aborted, leaving no parts to pay for in the bucket
    async put(name, file) {
      const upload = new Upload({
        client,
        params: {
          Bucket: cfg.bucket,
          Key: `${cfg.prefix}${name}`,
          Body: createReadStream(file),
          ContentType: 'application/octet-stream',
        },
        partSize: Math.max(cfg.partSizeBytes ?? 5 * MIB, 5 * MIB),
        queueSize: 2,
        leavePartsOnError: false,
      });
      await upload.done();
    },
    async remove(name) {
      await client.send(new DeleteObjectCommand({ Bucket: cfg.bucket, Key: `${cfg.prefix}${name}` }));
    },
  };
}
