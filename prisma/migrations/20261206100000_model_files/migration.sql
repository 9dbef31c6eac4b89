-- CreateTable
CREATE TABLE "model_files" (
    "model" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,

    CONSTRAINT "model_files_pkey" PRIMARY KEY ("model","version","path")
);

-- AddForeignKey
ALTER TABLE "model_files" ADD CONSTRAINT "model_files_model_version_fkey" FOREIGN KEY ("model", "version") REFERENCES "model_versions"("model", "version") ON DELETE CASCADE ON UPDATE CASCADE;
