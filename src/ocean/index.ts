export * from './client';
export * from './dates';
export * from './errors';
export type {
  AnalysisRequest,
  AnalysisResult,
  AnalysisTotal,
  AnalysisTree,
  DailyRecordRow,
  ExceptionalPeriod,
  IndividuEntry,
  InnerMapBody,
  RenderMode,
  ScheduleAssignment,
  Slot,
  VehicleEntry,
  Weekday,
} from './schemas';
export * as OceanSchemas from './schemas';
export { WEEKDAYS } from './schemas';
export * from './trip-times';
