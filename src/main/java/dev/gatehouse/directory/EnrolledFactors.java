package dev.gatehouse.directory;

import java.time.Instant;
import java.util.List;

/**
 * What a person's page shows of their MFA factors, asked through this small interface so that the directory knows
 * nothing of the mfa capability (Wiring fills it from mfa/Factors).
 */
public interface EnrolledFactors {

    /** One enrolled factor as the console shows it: its name, status (ACTIVE, PENDING_ACTIVATION, EXPIRED) and date. */
    record Entry(String name, String status, Instant enrolled) {
    }

    List<Entry> of(String userId);
}
