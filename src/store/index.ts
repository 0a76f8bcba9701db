/** The store's public API: recording files, rolling storage and export text. */
export { RecordingWriter, type WriterOptions, type WriterHeader, type WriteFn } from './recording-writer.js';
export { openRecording, RECORDING_SUFFIX, type Recording, type OpenOptions } from './recording-reader.js';
export { RollingRecorder, type RollingOptions } from './rolling-recorder.js';
export { planDeletions, periodFileName, filePeriod, type RetentionPolicy, type StoredFile, type RotateEvery } from './retention.js';
export { FORMAT_VERSION, READABLE_FORMAT_VERSION, type RecordingHeader } from './record-format.js';
export { quantiseSample } from './quantise.js';
export { spikesToJson, spikesToText, samplesToCsv, spikeRecord, CSV_COLUMNS, type SpikeRecord, type TextOptions } from './export-format.js';
