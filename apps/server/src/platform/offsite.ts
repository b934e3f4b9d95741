import { createReadStream, statSync } from 'node:fs';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

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
}

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
    async put(name, file) {
      await client.send(
        new PutObjectCommand({
          Bucket: cfg.bucket,
          Key: `${cfg.prefix}${name}`,
          Body: createReadStream(file),
          ContentLength: statSync(file).size,
          ContentType: 'application/octet-stream',
        }),
      );
    },
    async remove(name) {
      await client.send(new DeleteObjectCommand({ Bucket: cfg.bucket, Key: `${cfg.prefix}${name}` }));
    },
  };
}
