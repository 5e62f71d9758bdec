package dev.gatehouse.features;

import java.util.List;

/**
 * The catalog of self-service features. Each one gates real behaviour; a feature leaves this list
 * when it becomes generally available (as Okta's disappear at GA).
 */
public enum Feature {

    REFRESH_TOKEN_ROTATION_FOR_SPA(
            "Refresh Token Rotation for SPA",
            "Lets single-page apps use the Refresh Token grant, with refresh tokens that rotate on every use and a grace period.",
            "Single-page app integrations can be given the Refresh Token grant (Applications › app › General Settings). "
                    + "Disabling it again only stops new single-page apps from getting the grant: apps that have it keep it, "
                    + "and their refresh tokens keep working.",
            Stage.EA, List.of());

    public enum Stage { EA, BETA }

    private final String title;
    private final String description;
    private final String whatChanges;
    private final Stage stage;
    private final List<Feature> dependencies;

    Feature(String title, String description, String whatChanges, Stage stage, List<Feature> dependencies) {
        this.title = title;
        this.description = description;
        this.whatChanges = whatChanges;
        this.stage = stage;
        this.dependencies = dependencies;
    }

    public String title() {
        return title;
    }

    public String description() {
        return description;
    }

    public String whatChanges() {
        return whatChanges;
    }

    public Stage stage() {
        return stage;
    }

    /** Features that must be enabled before this one. */
    public List<Feature> dependencies() {
        return dependencies;
    }

    /** The configuration name ({@code GATEHOUSE_FEATURES=refresh-token-rotation-for-spa}). */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
