export * from './client';
export * from './dates';
export * from './errors';
export * from './trip-times';
export * as OceanSchemas from './schemas';
export type { IndividuEntry, VehicleEntry, DailyRecordRow, ScheduleAssignment, ExceptionalPeriod, InnerMapBody, Slot, AnalysisRequest, AnalysisResult, AnalysisTotal, AnalysisTree, RenderMode, Weekday } from './schemas';
export { WEEKDAYS } from './schemas';
